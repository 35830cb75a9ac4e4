"""Tests of the pure protocol core: decoding, money, toast texts, the render command."""
