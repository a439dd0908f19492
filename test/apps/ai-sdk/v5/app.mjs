import * as ai from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { z } from 'zod';
import { run } from '../scenario.mjs';

await run({ ai, createOpenAI, createAnthropic, z, major: 5 });
