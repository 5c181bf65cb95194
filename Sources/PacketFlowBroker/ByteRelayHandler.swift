import NIOCore

/// One half of a pair of handlers that relay bytes between two channels.
///
/// Each of the two channels (the client's inbound connection and the outbound connection to a
/// broker) gets one handler of the pair. Bytes read on one channel are written to the other.
/// Back-pressure: a handler holds back its channel's reads while the partner's channel is not
/// writable, and resumes them when it becomes writable again, so a slow reader on one side
/// slows the fast writer on the other instead of filling memory. Closing either channel
/// closes the other.
///
/// Both channels must run on the same event loop: the handlers call each other directly.
final class ByteRelayHandler {
    private var partner: ByteRelayHandler?
    private var context: ChannelHandlerContext?
    /// A read was requested while the partner could not take more bytes.
    private var readDeferred = false

    private init() {}

    /// Two linked handlers: put one in each channel's pipeline, on one event loop.
    static func makePair() -> (ByteRelayHandler, ByteRelayHandler) {
        let first = ByteRelayHandler()
        let second = ByteRelayHandler()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    private var isWritable: Bool {
        context?.channel.isWritable ?? false
    }

    private func writeFromPartner(_ data: NIOAny) {
        context?.write(data, promise: nil)
    }

    private func flushFromPartner() {
        context?.flush()
    }

    private func closeFromPartner() {
        context?.close(promise: nil)
    }

    private func partnerCanTakeBytes() {
        if readDeferred, let context {
            readDeferred = false
            context.read()
        }
    }
}

extension ByteRelayHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Breaks the pair's reference cycle once a channel is gone.
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.writeFromPartner(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.flushFromPartner()
        context.fireChannelReadComplete()
    }

    func channelActive(context: ChannelHandlerContext) {
        // The partner may have asked to read before this channel was connected.
        partner?.partnerCanTakeBytes()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.closeFromPartner()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            partner?.partnerCanTakeBytes()
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or broken pipe on either side ends the relay; closing triggers the partner.
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if partner?.isWritable ?? false {
            context.read()
        } else {
            readDeferred = true
        }
    }
}
