import { ChatOpenAI } from '@langchain/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import { tool } from '@langchain/core/tools';
import { BaseRetriever } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { StateGraph, MessagesAnnotation } from '@langchain/langgraph';
import { z } from 'zod';
import { AgentOpsCallbackHandler } from '@agentops/instrumentation-langchain';
import { run } from '../scenario.mjs';

await run({ ChatOpenAI, ChatAnthropic, tool, ChatPromptTemplate, StringOutputParser, createReactAgent, StateGraph, MessagesAnnotation, z, AgentOpsCallbackHandler, BaseRetriever, Document });
