#pragma once
// The one Levenshtein distance: the fewest insertions, deletions and substitutions of single
// elements that turn one sequence into the other. Over anything with size() and operator[]
// whose elements compare with == (a string's bytes, a list of words or of word ids). Time
// O(n * m), memory O(m). Pure functions, thread-safe.

#include <algorithm>
#include <cstddef>
#include <vector>

namespace reflector {

// row[j] = the distance between all of `a` and the first j elements of `b`, for j = 0..b.size()
// (row.back() is the distance between `a` and `b`). Alignments that split the sequences
// (Hirschberg's) need the whole row.
template <typename A, typename B>
std::vector<std::size_t> EditDistanceRow(const A& a, const B& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row;
}

// The distance between `a` and `b`: EditDistance("kitten", "sitting") == 3.
template <typename A, typename B>
std::size_t EditDistance(const A& a, const B& b) {
  return EditDistanceRow(a, b).back();
}

}  // namespace reflector
