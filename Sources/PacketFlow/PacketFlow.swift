// The library users depend on: the model, JSON, the molecule language, packets on the wire and
// the worker runtime under one import.
@_exported import PacketFlowCore
@_exported import PacketFlowJSON
@_exported import PacketFlowLanguage
@_exported import PacketFlowRuntime
@_exported import PacketFlowWire
