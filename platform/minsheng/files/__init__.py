"""Files: attachments stored in the object store, with their metadata as tenant rows."""
