"""Small, readable reference implementations the fast code is tested against."""
