/** The AI agent frameworks an agent may declare: a fixed catalogue, extended by code review. */
export const FRAMEWORKS = [
  { id: 'langchain', name: 'LangChain' },
  { id: 'langgraph', name: 'LangGraph' },
  { id: 'llamaindex', name: 'LlamaIndex' },
  { id: 'crewai', name: 'CrewAI' },
  { id: 'autogen', name: 'AutoGen' },
  { id: 'semantic-kernel', name: 'Semantic Kernel' },
  { id: 'openai-agents-sdk', name: 'OpenAI Agents SDK' },
  { id: 'haystack', name: 'Haystack' },
  { id: 'other', name: 'Other' },
] as const;

export type FrameworkId = (typeof FRAMEWORKS)[number]['id'];

export function isFramework(id: string): id is FrameworkId {
  return FRAMEWORKS.some((framework) => framework.id === id);
}
