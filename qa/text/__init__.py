"""Text knowledge shared by every stage: character classes and word lists (`lexicon`) and the
language of a question or passage (`language`)."""
