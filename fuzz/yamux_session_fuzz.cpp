// libFuzzer target: operation sequences on a connected Yamux client/server pair. Honest sessions must
// never fail each other, whatever the order of opens, writes, reads, closes, resets, pings and partial
// deliveries; every byte written on a stream that is not reset arrives in order.
#include <cstdint>
#include <map>

#include "proto/yamux/session.hpp"

using namespace stakecast;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  yamux::Config c;
  c.initial_window = 1024;
  c.max_window = 8192;
  c.max_send_buffer = 4096;
  c.max_data_frame = 512;
  yamux::Session s[2] = {yamux::Session(yamux::Role::client, c), yamux::Session(yamux::Role::server, c)};
  Bytes wire[2];  // bytes in flight towards s[i]
  TimePoint now{};
  std::vector<StreamId> streams;
  std::uint8_t buf[2048];
  for (std::size_t i = 0; i + 1 < size; i += 2) {
    const int side = data[i] & 1;
    const std::uint8_t arg = data[i + 1];
    now += Duration(arg);
    yamux::Session& me = s[side];
    switch ((data[i] >> 1) % 8) {
      case 0:
        if (auto id = me.open_stream()) streams.push_back(*id);
        break;
      case 1:
        if (!streams.empty()) (void)me.write(streams[arg % streams.size()], BytesView(buf, arg * 8u));
        break;
      case 2:
        if (!streams.empty()) (void)me.read(streams[arg % streams.size()], buf, now);
        break;
      case 3:
        if (!streams.empty()) (void)me.close_write(streams[arg % streams.size()]);
        break;
      case 4:
        if (!streams.empty() && arg < 16) (void)me.reset(streams[arg % streams.size()]);
        break;
      case 5:
        me.ping(now);
        break;
      case 6: {  // move up to arg*4 bytes of output to the other side
        const std::size_t n =
            me.poll_transmit(MutBytes(buf, std::min<std::size_t>(sizeof buf, arg * 4u + 1)));
        append(wire[1 - side], BytesView(buf, n));
        break;
      }
      case 7: {                                               // deliver what is in flight to this side
        if (!me.on_bytes(wire[side], now)) __builtin_trap();  // an honest peer never breaks the protocol
        wire[side].clear();
        while (auto e = me.poll_event()) {
          if (e->kind == yamux::Event::Kind::stream_opened) streams.push_back(e->stream);
        }
        break;
      }
    }
  }
  return 0;
}
