"""A PDF with a redaction that leaks: a black box drawn over text that is still in the file."""
from pathlib import Path

SECRET = "John Q. Smith, 12 Elm Street"
SECRET_WORDS = ("John", "Smith", "Elm Street")


def leaky_memo(path: Path, secret: bool = True) -> Path:
    """A one-page memo with a black box drawn over live text (the text still in the file when `secret`)."""
    import fitz
    doc = fitz.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 80), "Memorandum for the record about the meeting held on Tuesday.", fontsize=11)
    x0 = 72 + fitz.get_text_length("The witness was ", fontsize=11)
    x1 = x0 + fitz.get_text_length(SECRET, fontsize=11)
    page.insert_text((72, 120), "The witness was " + (SECRET if secret else ""), fontsize=11)
    page.insert_text((x1, 120), " who said nothing more.", fontsize=11)
    page.draw_rect(fitz.Rect(x0 - 1, 108, x1 + 1, 124), color=None, fill=(0, 0, 0))
    path.write_bytes(doc.tobytes())
    return path
