#pragma once
// An online multinomial naive Bayes classifier over term counts, with Laplace smoothing,
// that can learn and unlearn documents (a relabelled document moves between classes).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::text {

/// What the classifier knows about one class.
struct nb_class {
  std::uint64_t documents = 0; ///< documents learned
  std::uint64_t tokens = 0;    ///< term occurrences learned
  term_counts terms;           ///< term -> occurrences in this class
};

/// The classifier's whole state: plain ordered data, owned by the agent state that holds it.
struct naive_bayes {
  std::map<std::string, nb_class> classes; ///< by label
  term_counts vocabulary;                  ///< term -> occurrences over every class

  /// Adds a labelled document.
  void learn(const std::string& label, const term_counts& doc);

  /// Removes a document learned before under `label` (counts never go below zero).
  void unlearn(const std::string& label, const term_counts& doc);

  /// Documents learned over every class.
  [[nodiscard]] std::uint64_t documents() const;

  /// Documents learned under `label`.
  [[nodiscard]] std::uint64_t documents(const std::string& label) const;

  /// P(label | doc) for every known label, by label; empty without any class. Priors are
  /// Laplace-smoothed document shares; likelihoods use add-`alpha` smoothing over the
  /// vocabulary; terms never learned are ignored.
  [[nodiscard]] std::map<std::string, double> posterior(const term_counts& doc,
                                                        double alpha = 1.0) const;

  /// Keeps at most `max_terms` vocabulary terms: when over, the least frequent (ties: last
  /// in term order) are forgotten by every class until 90 % of the cap remain.
  void bound(std::size_t max_terms);
};

} // namespace aetherial::actors::text
