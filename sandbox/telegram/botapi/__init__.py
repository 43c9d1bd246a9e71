"""The Bot API face of the emulator: one module per family of methods, `dispatch` to run a
call (faults, flood control, call log) and `routes` for HTTP."""
