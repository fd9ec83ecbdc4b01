#pragma once
// What transcription services answer, read the same way for every HTTP backend: the words of a
// success, and an Error for any other status with the server's own explanation.

#include <string>
#include <vector>

#include "core/result.hpp"
#include "net/http_client.hpp"
#include "stt/speech_to_text.hpp"

namespace reflector::stt::remote {

// What the server says went wrong, on one line of at most about 300 bytes: FastAPI's
// {"detail": "text"} or {"detail": [{"loc", "msg"}]} ("loc.path: msg; ..."), OpenAI's
// {"error": {"message"}} or {"error": "text"}, else the start of the body.
std::string ServerMessage(const std::string& body);

// An answer other than 2xx as an Error whose message is `what`, the status and ServerMessage:
// 408 (kTimeout), 429 and 5xx (kUnavailable) retryable; 429 with OpenAI's `insufficient_quota`
// terminal kExternal (waiting does not help); 404 terminal kNotFound; any other status terminal
// kExternal.
Error StatusError(const net::HttpResponse& response, const std::string& what);

// `{"text": ..., "words": [{"word", "start", "end"}]}` -> words after NormalizeWords. No `words`
// (or null) with an absent, null or empty text is an empty list; a text without `words` and any
// other shape is a terminal kExternal error starting with `what` and naming the field.
Result<std::vector<Word>> ParseWords(const std::string& body, const std::string& what);

}  // namespace reflector::stt::remote
