// The CommonJS build of the same app; EXISTING_OTEL=1 runs it inside the app's own tracer provider.
if (process.env.EXISTING_OTEL) require('../../existing-otel.cjs');
const { ChatOpenAI } = require('@langchain/openai');
const { ChatAnthropic } = require('@langchain/anthropic');
const { tool } = require('@langchain/core/tools');
const { BaseRetriever } = require('@langchain/core/retrievers');
const { Document } = require('@langchain/core/documents');
const { ChatPromptTemplate } = require('@langchain/core/prompts');
const { StringOutputParser } = require('@langchain/core/output_parsers');
const { createReactAgent } = require('@langchain/langgraph/prebuilt');
const { StateGraph, MessagesAnnotation } = require('@langchain/langgraph');
const { z } = require('zod');
const { AgentOpsCallbackHandler } = require('@agentops/instrumentation-langchain');

void import('../scenario.mjs').then(({ run }) => run({ ChatOpenAI, ChatAnthropic, tool, ChatPromptTemplate, StringOutputParser, createReactAgent, StateGraph, MessagesAnnotation, z, AgentOpsCallbackHandler, BaseRetriever, Document }));
