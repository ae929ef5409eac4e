"""Domain rules as plain functions over a session. Web, API, CLI and the
mirror call these; none of them knows about requests or HTML."""
