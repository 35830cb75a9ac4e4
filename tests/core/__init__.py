"""Tests of the pure protocol core: decoding, money, toast texts."""
