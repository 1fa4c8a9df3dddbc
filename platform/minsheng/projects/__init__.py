"""The project pool (项目库): livelihood projects, their screening and the candidate list."""
