"""How much text Quick Create reads, the same at every front door.

The JSON API refuses a longer prompt (400 with a field error); the modal's paste and a dropped
`.eml` are read up to it (`parse_ticket_prompt` and `eml_text` cut there), so no path reads more
than another.
"""

# A client's email pasted with its quoted thread, forwards and signatures runs to several
# thousand characters, and the parts that settle the company (the sender's `From`, the
# signature) can sit at the end of a forwarded message: a sentence-sized limit cut them off.
MAX_PROMPT_CHARS = 20_000

# The ticket's description holds this much (the create form's and the API's limit): a longer
# pasted email keeps its beginning, where the newest message is, and the parse says so.
MAX_DESCRIPTION_CHARS = 10_000
