"""Use cases of the programme. Services talk to ports (storage, sender); never to Telegram."""
