-- Included by platform.lua: the virtual models clients may ask for.
return {
  virtualModels = {
    { name = "chat-default", models = { "anthropic:claude-sonnet-4-5", "openai:gpt-4o" } },
    { name = "team-chat", description = "what the teams' chat tools send",
      models = { "openai:gpt-4o", "openai:gpt-4o-mini" } },
  },
}
