"""普法学习机器人: a Telegram bot that runs a township's rule-of-law study programme."""

__version__ = "0.1.0"
