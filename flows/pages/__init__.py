"""Page objects: one class per portal page, finding things by visible label, role and text."""
