import { catalogue } from '../../platform/catalogue.ts';

/** The AI agent frameworks an agent may declare: a fixed catalogue, extended by code review. */
export const FRAMEWORKS = catalogue({
  langchain: 'LangChain',
  langgraph: 'LangGraph',
  llamaindex: 'LlamaIndex',
  crewai: 'CrewAI',
  autogen: 'AutoGen',
  'semantic-kernel': 'Semantic Kernel',
  'openai-agents-sdk': 'OpenAI Agents SDK',
  haystack: 'Haystack',
  other: 'Other',
});

export type FrameworkId = (typeof FRAMEWORKS.ids)[number];
