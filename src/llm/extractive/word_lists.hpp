#pragma once
// The closed word lists the extractive backend reads sentences with: which words make a clause
// finite, which open or close one, which verbs talk about the meeting itself. `term` is always
// a normalised term (terms.hpp). Thread-safe.

#include <span>
#include <string>
#include <string_view>

namespace reflector::llm::words {

bool IsCapitalised(std::string_view term);      // weekdays, months: "friday" is written "Friday"
bool IsFiniteVerb(std::string_view term);       // "is", "will", "we're", "don't": makes a clause finite
bool IsSubjectPronoun(std::string_view term);   // "i", "we", "they", "nobody", "this", ...
bool IsDangling(std::string_view term);         // a clause ending with it was cut off ("the", "and", "to")
bool IsDeterminer(std::string_view term);       // "the", "a", "our", "every", ...
bool IsLeadMarker(std::string_view term);       // opens a sentence without belonging to it ("so", "okay")
bool IsDecisiveLead(std::string_view term);     // a lead after which a plan is a decision ("so", "then")
bool IsDiscourseMarker(std::string_view term);  // a lead marker without meaning of its own ("and", "well")
bool IsSubordinator(std::string_view term);
bool IsNumber(std::string_view term);         // "one" to "ten", "twenty", "hundred", ...
bool IsQuestionStart(std::string_view term);  // "can", "did", "how", "what": a question follows     // opens
                                              // a subordinate clause ("if", "when", "because")
bool IsModal(std::string_view term);          // "can", "could", "might", ...: possible, not decided
bool IsObjectStart(std::string_view term);    // starts a verb's object ("the", "it", "everyone")
bool IsProposing(std::string_view term);      // "i think / propose / suggest we ..."
bool IsScheduleVerb(std::string_view term);   // "goes", "moves", "waits": what happens to something

// Verbs that talk about the meeting itself or think rather than act ("talk", "start", "decide",
// "think"), in any form ("talked", "starts").
bool IsMetaVerb(std::string_view term);
// Meta verbs that also start or change real work: "we start a weekend rota", "we move the launch".
bool StartsWork(std::string_view term);

// A sentence that only agrees or concludes ("i agree", "okay then it is decided", "then yes",
// "i am convinced", "then let us do it", "i agree with bob"): what the same speaker says next is
// decided.
bool IsAgreementOnly(std::span<const std::string> terms);

}  // namespace reflector::llm::words
