"""Special inquiry sessions (专题询问): questions, answers in person, and the commitments made."""
