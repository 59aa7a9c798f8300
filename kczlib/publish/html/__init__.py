"""From an executed notebook to the pages a reader opens: export, sanitise, fonts, index, PDF.

Part of the publish layer (`kczlib.publish`), with the same import rule.
"""
