"""Thin Telegram adapters: parse the update, call a service, render, reply. No SQL here."""
