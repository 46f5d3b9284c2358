// The TypeScript MCP client (@modelcontextprotocol/client, pinned in package.json) calls
// add_expense_interactive on protocol revision 2026-07-28 and answers its questions through
// its elicitation handler; the SDK drives the rounds (input-required results, retries with the
// answers and the echoed request state).
//
//   node add_expense.mjs URL USER_ALIAS ANSWERS_JSON
//
// ANSWERS_JSON is a list of elicitation results, given in order, one per question; a question
// beyond the list is cancelled. Prints one JSON object: the negotiated protocol version, the
// questions asked, every HTTP request the client sent (method, headers that matter, the keys of
// inputResponses, whether it carried a requestState), the call's result and the user's
// expenses listed afterwards.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const [url, alias, answersJson] = process.argv.slice(2);
if (!url || !alias || !answersJson) {
  console.error('usage: node add_expense.mjs URL USER_ALIAS ANSWERS_JSON');
  process.exit(2);
}
const answers = JSON.parse(answersJson);

const requests = [];
async function recordingFetch(input, init) {
  if (init?.method === 'POST' && typeof init.body === 'string') {
    const headers = new Headers(init.headers);
    const message = JSON.parse(init.body);
    requests.push({
      method: message.method ?? null,
      protocolVersionHeader: headers.get('mcp-protocol-version'),
      sessionId: headers.get('mcp-session-id'),
      inputResponses: Object.keys(message.params?.inputResponses ?? {}),
      requestState: typeof message.params?.requestState === 'string',
    });
  }
  return fetch(input, init);
}

const client = new Client(
  { name: 'ts-client-check', version: '1.0.0' },
  {
    capabilities: { elicitation: { form: {} } },
    versionNegotiation: { mode: { pin: '2026-07-28' } },
  },
);
const asked = [];
client.setRequestHandler('elicitation/create', async (request) => {
  asked.push({
    message: request.params.message,
    fields: Object.keys(request.params.requestedSchema?.properties ?? {}),
  });
  return answers.shift() ?? { action: 'cancel' };
});

await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: recordingFetch }));
try {
  const result = await client.callTool({ name: 'add_expense_interactive', arguments: { user_alias: alias } });
  const listed = await client.callTool({ name: 'list_expenses', arguments: { user_alias: alias } });
  console.log(
    JSON.stringify({ protocolVersion: client.getNegotiatedProtocolVersion(), asked, requests, result, listed }),
  );
} finally {
  await client.close();
}
