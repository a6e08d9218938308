"""The error of a page that could not be read, shared by the OCR engine and the page clean-up it runs."""


class OcrError(Exception):
    """A page that could not be read: the message says why, and is stored on the page."""
