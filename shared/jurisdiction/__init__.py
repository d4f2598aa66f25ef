"""The jurisdiction every service shares as data: the division tree and the category catalogue."""
