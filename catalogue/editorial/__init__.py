"""Staff workflow: states and who may move a record between them (workflow), roles (roles), edits that never
lose work (concurrency), history with revert (history), translation completeness (translations)."""
