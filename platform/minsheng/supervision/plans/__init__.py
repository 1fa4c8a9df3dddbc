"""The supervision plan (监督计划) of a year: who follows which chosen project, with which methods."""
