"""`python -m readingroom.cli`: the `readingroom` command."""

from readingroom.cli import main

main()
