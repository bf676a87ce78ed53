"""The demo newspaper: fictional sections, newsroom, stories, articles and illustrations, all deterministic."""
