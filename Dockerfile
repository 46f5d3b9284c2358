# The demo servers as Amazon Bedrock AgentCore Runtime runs them: a linux/arm64 image serving
# streamable HTTP on 0.0.0.0:8000/mcp. The entry command is the local one,
# `python -m demo_servers.expenses`; DEMO_SERVER=long_running picks the other demo.
#
#   docker buildx build --platform linux/arm64 -t stateful-mcp-demo .
#   docker run --rm -p 8000:8000 stateful-mcp-demo
#   docker run --rm -p 8000:8000 -e DEMO_SERVER=long_running stateful-mcp-demo
#
# `agentcore configure` / `agentcore deploy` use this file when it sits in the project root;
# see docs/deploy-agentcore.md.
FROM --platform=linux/arm64 python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY toolkit ./toolkit
COPY demo_servers ./demo_servers
COPY demo_client ./demo_client
# The aws extra: boto3 for the DynamoDB stores, the Bedrock fallback and AgentCore Memory.
RUN pip install ".[aws]"

# Run unprivileged. The embedded SQLite stores live in this user's data directory; on
# AgentCore every session gets its own microVM, so use dynamodb:// stores to share data.
RUN useradd --create-home --uid 1000 mcp
USER mcp
ENV XDG_DATA_HOME=/home/mcp/.local/share

# The AgentCore Runtime MCP contract. The toolkit binds 127.0.0.1 unless told otherwise, so
# the container must ask for all interfaces or the platform cannot reach the server.
ENV MCP_HOST=0.0.0.0 \
    MCP_PORT=8000 \
    DEMO_SERVER=expenses
EXPOSE 8000

# `exec` hands PID 1 to Python, so SIGTERM from the platform reaches the server.
CMD ["sh", "-c", "exec python -m demo_servers.\"$DEMO_SERVER\""]
