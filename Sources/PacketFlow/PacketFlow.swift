// The library users depend on: the model, JSON and the worker runtime under one import.
@_exported import PacketFlowCore
@_exported import PacketFlowJSON
@_exported import PacketFlowRuntime
