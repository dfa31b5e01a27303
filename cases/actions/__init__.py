"""The only place case state changes (design.md §3), one module per area:

- ``cases.actions.case``      — open a case, parties, officers, 回避, advance through the process, decision, close
- ``cases.actions.clocks``    — statutory clocks: start/stop from the process definition, pause, resume, extend
- ``cases.actions.documents`` — 文书: draft, issue (number, Word/PDF), correct (new version)
- ``cases.actions.dossier``   — 电子案卷 at 结案 (background job)
- ``cases.actions.online``    — online 许可 applications and the 政务服务平台 import

Every action runs in one transaction and records its audit event.
"""
