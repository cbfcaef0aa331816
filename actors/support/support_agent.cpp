#include "actors/support/support_agent.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "actors/kit/format.hpp"
#include "actors/kit/redact.hpp"
#include "actors/kit/task.hpp"
#include "actors/support/state_codec.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::support {

namespace {

using kit::view;

std::string quoted(std::string_view s) {
  std::string q = "\"";
  q += s;
  q += '"';
  return q;
}

} // namespace

support_agent::support_agent(support_config cfg) : agent_base(std::move(cfg)) {
  state_.kb = text::knowledge_base(cfg_.knowledge_base);
  for (const auto& w : cfg_.money_words)
    for (const auto& word : text::words(w))
      money_stems_.push_back(text::stem(word));
  std::sort(money_stems_.begin(), money_stems_.end());
  money_stems_.erase(std::unique(money_stems_.begin(), money_stems_.end()), money_stems_.end());
}

void support_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  expire(ctx.event_time_ms(), ctx.tables());
  switch (event.payload_type()) {
    case fbs::Payload::KnowledgeArticle: on_article(*event.payload_as_KnowledgeArticle()); break;
    case fbs::Payload::SupportMessage: {
      const auto& m = *event.payload_as_SupportMessage();
      question q;
      q.conversation_id = std::string(view(m.conversation_id()));
      if (q.conversation_id.empty()) q.conversation_id = std::string(view(event.key()));
      q.text = std::string(view(m.text()));
      if (q.conversation_id.empty() || q.text.empty()) break;
      answer(q, ctx);
      break;
    }
    case fbs::Payload::Task: on_task(*event.payload_as_Task(), event, ctx); break;
    case fbs::Payload::Feedback: on_feedback(*event.payload_as_Feedback(), ctx.tables()); break;
    default:
      // Replies, decisions (this agent's own included) and other payloads carry nothing to act on.
      break;
  }
}

void support_agent::on_article(const fbs::KnowledgeArticle& a) {
  std::vector<std::string> tags;
  if (a.tags())
    for (const auto* t : *a.tags())
      if (t != nullptr && t->size() > 0) tags.push_back(t->str());
  const std::string id(view(a.article_id()));
  const auto change =
      state_.kb.apply(id, view(a.title()), view(a.body()), std::move(tags), a.active());
  if (change == text::knowledge_base::change::retired) state_.votes.erase(id);
  // Votes of articles the cap has pushed out are dropped with them.
  if (state_.votes.size() > state_.kb.size() + 64)
    for (auto it = state_.votes.begin(); it != state_.votes.end();)
      it = state_.kb.find(it->first) ? std::next(it) : state_.votes.erase(it);
}

void support_agent::on_feedback(const fbs::Feedback& f, table_store& tables) {
  const auto kind = view(f.kind());
  int vote = 0;
  if (kind == "thumbs_up") vote = 1;
  if (kind == "thumbs_down") vote = -1;
  if (kind == "rating") vote = f.value() >= 4.0 ? 1 : f.value() <= 2.0 ? -1 : 0;
  if (vote == 0) return;
  // The target is an article, a reply of this agent, or else the conversation's last answer.
  std::string article;
  const std::string_view target = view(f.target_id());
  const std::string_view conversation_id = view(f.conversation_id());
  if (state_.kb.find(std::string(target)) != nullptr) {
    article = std::string(target);
  } else if (rememberable(target)) {
    if (const reply_slot r(tables, replies_table, target); r.record) article = r.record->article_id;
  }
  if (article.empty() && rememberable(conversation_id)) {
    if (const conversation_slot c(tables, conversations_table, conversation_id);
        c.record && !c.record->turns.empty())
      article = c.record->turns.back().article_id;
  }
  if (article.empty() || state_.kb.find(article) == nullptr) return;
  auto& v = state_.votes[article];
  if (vote > 0)
    ++v.up;
  else
    ++v.down;
}

void support_agent::on_task(const fbs::Task& task, const fbs::Envelope& event, context& ctx) {
  if (view(task.target_agent()) != kind_name) return;
  const kit::task_spec t = kit::read_task(task);
  question q;
  q.task_id = t.task_id;
  q.task_type = t.type;
  q.is_task = true;
  q.intent = t.type;
  q.conversation_id = t.conversation_id;
  if (q.conversation_id.empty()) q.conversation_id = std::string(view(event.key()));
  q.text = t.text;
  if (!q.text.empty()) {
    answer(q, ctx);
    return;
  }
  kit::emit_outcome(
      ctx, q.conversation_id,
      kit::outcome_spec{t.task_id, t.type, "support", false, fbs::ReplyStatus::refused,
                        "the task carries no question: its text is empty", q.conversation_id},
      q.conversation_id);
}

void support_agent::remember_reply(const std::string& reply_id, const std::string& article_id,
                                   const std::string& conversation_id, std::int64_t now,
                                   table_store& tables) {
  if (!rememberable(reply_id)) return;
  reply_slot slot(tables, replies_table, reply_id);
  if (slot.record) replies_expiry_.unfile(tables, reply_id, forget_at(*slot.record, cfg_));
  slot.record = reply_record{article_id, conversation_id, now};
  slot.save();
  replies_expiry_.file(tables, reply_id, forget_at(*slot.record, cfg_));
}

void support_agent::expire(std::int64_t now, table_store& tables) {
  // An entry filed before its row's real time (the conversation went on since) is filed again
  // there.
  const auto due = [&](const auto& record) { return forget_at(record, cfg_); };
  kit::expire_rows<conversation_slot>(conversations_expiry_, tables, conversations_table, now, due);
  kit::expire_rows<reply_slot>(replies_expiry_, tables, replies_table, now, due);
}

void support_agent::restored() {
  conversations_expiry_ = kit::expiry_index(conversations_expiry_.name());
  replies_expiry_ = kit::expiry_index(replies_expiry_.name());
}

void support_agent::answer(const question& q, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  auto& tables = ctx.tables();
  // A conversation id too long to key a row is answered without memory.
  const bool remembered = rememberable(q.conversation_id);
  std::optional<conversation_slot> slot;
  if (remembered) slot.emplace(tables, conversations_table, q.conversation_id);
  // Context idle past the limit is forgotten, even before its row expires.
  if (slot && slot->record && now - slot->record->last_ms > cfg_.conversation_idle_ms) {
    conversations_expiry_.unfile(tables, q.conversation_id, forget_at(*slot->record, cfg_));
    slot->record.reset();
  }
  const conversation* before = slot && slot->record ? &*slot->record : nullptr;
  const assessment a = assess(state_, cfg_, money_stems_, q.text, before);
  const text::article* art = state_.kb.find(a.article_id);
  const bool confident = art != nullptr && a.confidence >= cfg_.low_confidence;
  const std::string& reason = a.escalate() ? a.reasons.front() : std::string();

  // The reply says plainly what was found, and who takes over when the agent does not answer.
  std::string reply;
  if (!a.money_word.empty()) {
    reply = "This is a payment matter (\"" + a.money_word +
            "\"): a person from the support team will take this conversation over.";
  } else if (reason == reason_negative) {
    reply = "A person from the support team will take this conversation over.";
  }
  if (confident) {
    if (!reply.empty()) reply += " Meanwhile, this article may help: ";
    reply += "From " + quoted(art->title) + ": " + a.passage;
  } else if (art != nullptr) {
    if (!reply.empty()) reply += ' ';
    reply += "The closest knowledge-base article, " + quoted(art->title) +
             ", matches this question only weakly (confidence " + kit::fixed(a.confidence) + ")";
    reply += a.money_word.empty() && reason != reason_negative
                 ? ", so a person from the support team will take this conversation over."
                 : ".";
  } else {
    if (!reply.empty()) reply += ' ';
    reply += "No knowledge-base article matches this question";
    reply += a.money_word.empty() && reason != reason_negative
                 ? ", so a person from the support team will take this conversation over."
                 : ".";
  }
  const auto status = a.escalate() ? fbs::ReplyStatus::escalated : fbs::ReplyStatus::answered;
  const std::string intent =
      !q.intent.empty() ? q.intent
                        : (!a.money_word.empty() ? "support.payment_issue" : "support.question");

  // The reply's id is derived before emitting it, so feedback on the reply finds the article.
  const std::string reply_id =
      schemas::derive_event_id(ctx.cause_id(), kind_name, ctx.outputs().size()).to_string();
  const std::string cited = art != nullptr ? art->id : std::string();
  {
    kit::key_values details;
    details.emplace_back("sentiment", kit::fixed(a.sentiment.score));
    details.emplace_back("conversation_sentiment", kit::fixed(a.conversation_sentiment));
    if (art != nullptr) details.emplace_back("article_title", art->title);
    if (a.used_context) details.emplace_back("context", "earlier turns of the conversation");
    if (!reason.empty()) details.emplace_back("escalation_reason", reason);
    std::vector<std::string> citations;
    if (!cited.empty()) citations.push_back(cited);
    kit::emit_reply(ctx, output::replies, q.conversation_id,
                    kit::reply_spec{q.conversation_id, "support", reply, status, intent,
                                    a.confidence, std::move(citations), std::move(details)},
                    q.conversation_id);
  }
  remember_reply(reply_id, cited, q.conversation_id, now, tables);

  conversation scratch;
  if (slot && !slot->record) {
    // A new conversation: filed where it will be forgotten unless it goes on.
    slot->record.emplace();
    slot->record->last_ms = now;
    conversations_expiry_.file(tables, q.conversation_id, forget_at(*slot->record, cfg_));
  }
  conversation& conv = slot ? *slot->record : scratch;
  conv.last_ms = std::max(conv.last_ms, now);
  if (a.escalate() && conv.handoff_reasons.count(reason) == 0) {
    conv.handoff_reasons.insert(reason);
    std::string detail = "reasons:";
    for (const auto& r : a.reasons)
      detail += " " + r;
    detail +=
        "; confidence " + kit::fixed(a.confidence) + ", sentiment " + kit::fixed(a.sentiment.score);
    if (!a.money_word.empty()) detail += ", money word " + quoted(a.money_word);
    if (art != nullptr) detail += ", best article " + art->id;
    // The person taking over reads the message in the conversation itself; the decision log
    // keeps it with personal data masked (masked before the cut, so no piece escapes it).
    detail += "; message: " + quoted(text::clip(kit::redact(q.text), 200));
    auto& b = ctx.builder();
    auto h = fbs::CreateHumanHandoffDirect(b, q.conversation_id.c_str(), reason.c_str(),
                                           detail.c_str(), a.sentiment.score, a.confidence);
    ctx.emit(output::decisions, q.conversation_id, fbs::Payload::HumanHandoff, h.Union(),
             q.conversation_id);
  }
  conv.turns.push_back(
      turn{now, text::clip(q.text, cfg_.max_turn_text_bytes), cited, a.sentiment.score});
  while (conv.turns.size() > cfg_.max_turns)
    conv.turns.pop_front();
  if (slot) slot->save();

  if (q.is_task) {
    kit::key_values results;
    results.emplace_back("status", std::string(kit::status_name(status)));
    results.emplace_back("reply_id", reply_id);
    results.emplace_back("confidence", kit::fixed(a.confidence));
    if (!cited.empty()) results.emplace_back("article_id", cited);
    if (!reason.empty()) results.emplace_back("escalation_reason", reason);
    const std::string detail =
        a.escalate() ? "escalated to a person (" + reason + ")" : "answered from article " + cited;
    kit::emit_outcome(ctx, q.conversation_id,
                      kit::outcome_spec{q.task_id, q.task_type, "support", !a.escalate(), status,
                                        detail, q.conversation_id, std::move(results)},
                      q.conversation_id);
  }
}

std::unique_ptr<agent> make_support_agent(const agent_settings& settings) {
  return std::make_unique<support_agent>(config_from(settings));
}

} // namespace aetherial::actors::support
