"""moodlist chat layer: the command grammar, the engine service, and the Discord, Telegram and console frontends.

The bot talks to the engine only through `engine.PlaylistEngine` (loaded once by `bot.service.EngineService`).
"""
