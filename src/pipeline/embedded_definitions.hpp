#pragma once
// Declarations of the texts generated from src/pipeline/definitions/*.json at configure time.

#include <string_view>

namespace reflector::pipeline::embedded {

std::string_view DiarizationPipeline();
std::string_view DiarizationPipelineFailure();
std::string_view TaskDefinitions();

}  // namespace reflector::pipeline::embedded
