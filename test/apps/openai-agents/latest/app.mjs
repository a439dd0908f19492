import * as agents from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import { run } from '../scenario.mjs';

await run({ agents, OpenAI, z });
