"""FastAPI dependencies of the gateway: the app's Connectra client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from connectra.client import AsyncConnectraClient


def get_client(request: Request) -> AsyncConnectraClient:
    client: AsyncConnectraClient = request.app.state.client
    return client


ClientDep = Annotated[AsyncConnectraClient, Depends(get_client)]
