"""The canon ledger (DESIGN §13): foreshadows, character state, repeated functions, the
cascade after an edit, voice distinctiveness and the continuity report. Pure functions over
rows the store hands out; nothing here touches the store."""
