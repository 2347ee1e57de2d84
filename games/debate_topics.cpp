#include "games/debate_topics.h"

namespace gauntlet::games {

const std::vector<std::string>& debate_topics() {
  static const std::vector<std::string> kTopics = {
      "Cities should make public transport free of charge.",
      "Homework should be abolished in primary schools.",
      "Social media platforms should verify the identity of every user.",
      "Space exploration is worth its cost.",
      "Nuclear power is essential to fighting climate change.",
      "A four-day working week should become the norm.",
      "Voting should be compulsory.",
      "Artificial intelligence research should be paused until it is regulated.",
      "University education should be free for all students.",
      "Zoos do more good than harm.",
      "Remote work is better for society than office work.",
      "Professional athletes are overpaid.",
      "Cash should be phased out in favour of digital payments.",
      "Open-source software is more secure than proprietary software.",
      "Standardized tests should be dropped from university admissions.",
      "Governments should tax sugary drinks.",
      "Printed books will always have a place next to e-books.",
      "Cars should be banned from city centres.",
      "Every citizen should receive a universal basic income.",
      "Video games are a form of art."};
  return kTopics;
}

}  // namespace gauntlet::games
