"""The audit log (审计日志): who changed which official data when, with before and after; and
every refused access. Append-only: the application can add entries, never change them."""
