"""Talking to an OB node: the socket link, the REST client, catching up."""
