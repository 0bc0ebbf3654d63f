"""The feeds stage: fetch, decode, parse, clean, and the update pipeline that runs them."""
