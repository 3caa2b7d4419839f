#include "codec/pubsub.hpp"

#include <gtest/gtest.h>

namespace stakecast::codec {
namespace {

PubsubRpc sample() {
  PubsubRpc r;
  r.subscriptions = {{true, "blocks"}, {false, "votes"}};
  PubsubMessage m;
  m.from = Bytes{0x00, 0x01, 0xaa};
  m.data = Bytes{1, 2, 3};
  m.seqno = Bytes(8, 7);
  m.topic = "blocks";
  m.signature = Bytes(64, 5);
  m.key = Bytes{8, 1, 18, 0};
  r.messages.push_back(m);
  ControlMessage c;
  c.ihave.push_back({"blocks", {Bytes{1}, Bytes{2, 2}}});
  c.iwant.push_back({{Bytes{3}}});
  c.graft.push_back({"blocks"});
  c.prune.push_back({"votes", {PeerInfo{Bytes{9, 9}, std::nullopt}}, 60});
  c.idontwant.push_back({{Bytes{4, 4, 4}}});
  r.control = c;
  return r;
}

TEST(Pubsub, RoundTripKeepsEveryFieldAndPresence) {
  const PubsubRpc r = sample();
  auto back = decode_pubsub_rpc(encode(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
  // Absent optional fields stay absent; an empty but present data field stays present.
  PubsubRpc r2;
  PubsubMessage m;
  m.data = Bytes{};
  m.topic = "t";
  r2.messages.push_back(m);
  auto back2 = decode_pubsub_rpc(encode(r2));
  ASSERT_TRUE(back2);
  ASSERT_EQ(back2->messages.size(), 1u);
  EXPECT_TRUE(back2->messages[0].data.has_value());
  EXPECT_FALSE(back2->messages[0].from.has_value());
  EXPECT_FALSE(back2->control.has_value());
}

TEST(Pubsub, EmptyInputIsAnEmptyRpc) {
  auto r = decode_pubsub_rpc({});
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, PubsubRpc{});
}

TEST(Pubsub, SigningBytesArePrefixAndFieldsInOrderWithoutSignatureAndKey) {
  PubsubMessage m;
  m.from = Bytes{0xf0};
  m.data = Bytes{0xd0, 0xd1};
  m.seqno = Bytes{0x50};
  m.topic = "t";
  m.signature = Bytes{0xee};
  m.key = Bytes{0xcc};
  const Bytes b = signing_bytes(m);
  EXPECT_EQ(std::string(as_chars(BytesView(b).first(14))), "libp2p-pubsub:");
  // from(1) data(2) seqno(3) topic(4)
  EXPECT_EQ(to_hex(BytesView(b).subspan(14)), "0a01f01202d0d11a01502201" + to_hex(as_bytes("t")));
}

TEST(Pubsub, AppendedMessageMergesIntoTheRpc) {
  PubsubRpc head;
  head.subscriptions = {{true, "a"}};
  Bytes rpc = encode(head);
  const PubsubMessage m = sample().messages[0];
  append_rpc_message(rpc, encode(m));
  append_rpc_message(rpc, encode(m));
  auto back = decode_pubsub_rpc(rpc);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->subscriptions, head.subscriptions);
  ASSERT_EQ(back->messages.size(), 2u);
  EXPECT_EQ(back->messages[1], m);
}

TEST(Pubsub, LimitsAreTypedErrors) {
  PubsubLimits lim;
  lim.max_rpc_bytes = 64;
  EXPECT_EQ(decode_pubsub_rpc(Bytes(65, 0), lim).error(), PubsubErrc::too_large);
  EXPECT_EQ(decode_pubsub_rpc(Bytes{0x0a, 0x05, 1}).error(), PubsubErrc::malformed);
  EXPECT_EQ(decode_pubsub_rpc(Bytes{0xff, 0xff, 0xff}).error(), PubsubErrc::malformed);

  PubsubRpc r = sample();
  lim = {};
  lim.max_subscriptions = 1;
  EXPECT_EQ(decode_pubsub_rpc(encode(r), lim).error(), PubsubErrc::too_many_subscriptions);
  lim = {};
  lim.max_messages = 0;
  EXPECT_EQ(decode_pubsub_rpc(encode(r), lim).error(), PubsubErrc::too_many_messages);
  lim = {};
  lim.max_control = 4;
  EXPECT_EQ(decode_pubsub_rpc(encode(r), lim).error(), PubsubErrc::too_many_control);
  lim = {};
  lim.max_message_ids = 3;
  EXPECT_EQ(decode_pubsub_rpc(encode(r), lim).error(), PubsubErrc::too_many_message_ids);
  lim = {};
  lim.max_prune_peers = 0;
  EXPECT_EQ(decode_pubsub_rpc(encode(r), lim).error(), PubsubErrc::too_many_peers);
  lim = {};
  lim.max_topic_bytes = 5;
  EXPECT_EQ(decode_pubsub_rpc(encode(r), lim).error(), PubsubErrc::field_too_long);
  lim = {};
  lim.max_message_id_bytes = 2;
  EXPECT_EQ(decode_pubsub_rpc(encode(r), lim).error(), PubsubErrc::field_too_long);
  EXPECT_TRUE(decode_pubsub_rpc(encode(r)));
}

TEST(Pubsub, EveryTruncationIsAnErrorOrAValidPrefixRpc) {
  const Bytes full = encode(sample());
  for (std::size_t i = 0; i < full.size(); ++i) {
    auto r = decode_pubsub_rpc(BytesView(full).first(i));
    if (!r) {
      EXPECT_EQ(r.error(), PubsubErrc::malformed);
    }
  }
}

}  // namespace
}  // namespace stakecast::codec
