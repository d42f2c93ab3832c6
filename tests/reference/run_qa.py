"""The window-label and answer logic of transformers' ``run_qa`` / ``run_ner`` examples.

A plain port of what ``examples/pytorch/question-answering`` (``prepare_train_features``,
``utils_qa.postprocess_qa_predictions``) and ``examples/pytorch/token-classification``
(``tokenize_and_align_labels``) compute from a fast tokenizer's overflowing windows, kept
small and readable: the oracle ``tests/test_long_documents.py`` checks
:mod:`subword.window_labels` and :mod:`subword.window_predictions` against. Written from
the examples' logic, not copied; the windows come from transformers' own tokenizer.
"""

from __future__ import annotations

import numpy as np


def qa_windows(tokenizer, questions, contexts, max_length, stride):
    """``run_qa``'s features: question/context windows with offsets and sample mapping."""
    return tokenizer(
        questions,
        contexts,
        truncation="only_second",
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )


def train_positions(features, answers, cls_token_id):
    """``prepare_train_features``: the answer's start and end token in every window.

    Kept as the example has it, edge case included: when the answer's first token is the
    last of the window's context, the start scan runs on over ``[SEP]`` and padding
    (offsets ``(0, 0)``), so the start lands past the context.
    """
    starts, ends = [], []
    for i, offsets in enumerate(features["offset_mapping"]):
        input_ids = features["input_ids"][i]
        cls_index = input_ids.index(cls_token_id)
        sequence_ids = features.sequence_ids(i)
        answer = answers[features["overflow_to_sample_mapping"][i]]
        if len(answer["answer_start"]) == 0:
            starts.append(cls_index)
            ends.append(cls_index)
            continue
        start_char = answer["answer_start"][0]
        end_char = start_char + len(answer["text"][0])
        token_start = 0
        while sequence_ids[token_start] != 1:
            token_start += 1
        token_end = len(input_ids) - 1
        while sequence_ids[token_end] != 1:
            token_end -= 1
        if not (offsets[token_start][0] <= start_char and offsets[token_end][1] >= end_char):
            starts.append(cls_index)
            ends.append(cls_index)
            continue
        while token_start < len(offsets) and offsets[token_start][0] <= start_char:
            token_start += 1
        starts.append(token_start - 1)
        while offsets[token_end][1] >= end_char:
            token_end -= 1
        ends.append(token_end + 1)
    return starts, ends


def postprocess(
    features, contexts, start_logits, end_logits, n_best, max_answer_length, allow_null
):
    """``postprocess_qa_predictions``: the best answer text of each example (or "")."""
    by_example = {}
    for i, sample in enumerate(features["overflow_to_sample_mapping"]):
        by_example.setdefault(sample, []).append(i)
    answers = []
    for sample in sorted(by_example):
        null, candidates = None, []
        for i in by_example[sample]:
            sequence_ids = features.sequence_ids(i)
            # prepare_validation_features: offsets of non-context tokens become None
            offsets = [
                o if sequence_ids[k] == 1 else None
                for k, o in enumerate(features["offset_mapping"][i])
            ]
            starts, ends = np.asarray(start_logits[i]), np.asarray(end_logits[i])
            null_score = starts[0] + ends[0]
            if null is None or null > null_score:
                null = null_score
            for s in np.argsort(starts)[-1 : -n_best - 1 : -1].tolist():
                for e in np.argsort(ends)[-1 : -n_best - 1 : -1].tolist():
                    if s >= len(offsets) or e >= len(offsets):
                        continue
                    if offsets[s] is None or offsets[e] is None:
                        continue
                    if e < s or e - s + 1 > max_answer_length:
                        continue
                    candidates.append((offsets[s][0], offsets[e][1], starts[s] + ends[e]))
        ranked = sorted(candidates, key=lambda c: c[2], reverse=True)[:n_best]
        context = contexts[sample]
        if not ranked:
            answers.append("")
            continue
        best = ranked[0]
        if allow_null and null - best[2] > 0:
            answers.append("")
        else:
            answers.append(context[best[0] : best[1]])
    return answers


def align_labels(word_ids, word_labels, label_all_tokens=False):
    """``tokenize_and_align_labels``: a label on each word's first token, -100 elsewhere."""
    labels, previous = [], None
    for word in word_ids:
        if word is None:
            labels.append(-100)
        elif word != previous:
            labels.append(word_labels[word])
        else:
            labels.append(word_labels[word] if label_all_tokens else -100)
        previous = word
    return labels
