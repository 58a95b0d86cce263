// The generated population: names and places are real Vietnamese ones; the unit codes
// follow the shape of the official lists (2-digit province, 3-digit district, 5-digit
// ward) and are realistic, not authoritative.
#include <array>
#include <set>

#include "sim/population/population_sim.hpp"

namespace lienthong::sim::population {
namespace {

struct Ward {
  const char* code;
  const char* name;
};
struct District {
  const char* code;
  const char* name;
  std::vector<Ward> wards;
  std::vector<const char*> streets;
};
struct Province {
  const char* birth_code;  // 3-digit code used in the identification number
  const char* code;        // 2-digit administrative code used in addresses
  const char* name;
  std::vector<District> districts;
};

const std::vector<Province>& places() {
  static const std::vector<Province> p = {
      {"001",
       "01",
       "Thành phố Hà Nội",
       {{"001",
         "Quận Ba Đình",
         {{"00001", "Phường Phúc Xá"}, {"00004", "Phường Trúc Bạch"}, {"00008", "Phường Liễu Giai"}},
         {"phố Quán Thánh", "phố Đội Cấn", "đường Hoàng Hoa Thám", "phố Phan Đình Phùng"}},
        {"002",
         "Quận Hoàn Kiếm",
         {{"00037", "Phường Phúc Tân"}, {"00040", "Phường Đồng Xuân"}, {"00043", "Phường Hàng Mã"}},
         {"phố Hàng Bông", "phố Hàng Đào", "phố Lương Văn Can", "phố Hàng Buồm"}},
        {"005",
         "Quận Cầu Giấy",
         {{"00157", "Phường Nghĩa Đô"}, {"00160", "Phường Quan Hoa"}, {"00163", "Phường Dịch Vọng"}},
         {"đường Cầu Giấy", "phố Trần Thái Tông", "đường Nguyễn Khánh Toàn"}}}},
      {"079",
       "79",
       "Thành phố Hồ Chí Minh",
       {{"760",
         "Quận 1",
         {{"26734", "Phường Tân Định"}, {"26737", "Phường Đa Kao"}, {"26740", "Phường Bến Nghé"}},
         {"đường Hai Bà Trưng", "đường Lê Thánh Tôn", "đường Nguyễn Đình Chiểu"}},
        {"770",
         "Quận 3",
         {{"27139", "Phường Võ Thị Sáu"}, {"27142", "Phường 9"}, {"27154", "Phường 14"}},
         {"đường Nam Kỳ Khởi Nghĩa", "đường Cách Mạng Tháng Tám", "đường Lý Chính Thắng"}}}},
      {"048",
       "48",
       "Thành phố Đà Nẵng",
       {{"492",
         "Quận Hải Châu",
         {{"20227", "Phường Thạch Thang"}, {"20230", "Phường Hải Châu I"}, {"20236", "Phường Phước Ninh"}},
         {"đường Bạch Đằng", "đường Lê Duẩn", "đường Trần Phú"}}}},
      {"040",
       "40",
       "Tỉnh Nghệ An",
       {{"412",
         "Thành phố Vinh",
         {{"16666", "Phường Đông Vĩnh"}, {"16669", "Phường Hà Huy Tập"}, {"16681", "Phường Hưng Bình"}},
         {"đường Lê Lợi", "đường Quang Trung", "đường Nguyễn Du"}},
        {"425",
         "Huyện Nghi Lộc",
         {{"17377", "Xã Nghi Xá"}, {"17380", "Xã Nghi Long"}},
         {"xóm 3", "xóm 7", "xóm Trung Thành"}}}},
      {"034",
       "34",
       "Tỉnh Thái Bình",
       {{"336",
         "Thành phố Thái Bình",
         {{"12424", "Phường Lê Hồng Phong"}, {"12427", "Phường Bồ Xuyên"}},
         {"phố Lý Bôn", "phố Trần Hưng Đạo", "phố Hai Bà Trưng"}},
        {"338",
         "Huyện Quỳnh Phụ",
         {{"12469", "Xã Quỳnh Hoàng"}, {"12472", "Xã Quỳnh Giao"}},
         {"thôn Đông", "thôn Tây", "thôn Đại Nẫm"}}}},
      {"092",
       "92",
       "Thành phố Cần Thơ",
       {{"916",
         "Quận Ninh Kiều",
         {{"31117", "Phường Cái Khế"}, {"31120", "Phường An Hòa"}, {"31123", "Phường Thới Bình"}},
         {"đường Hai Bà Trưng", "đường Mậu Thân", "đường 30 Tháng 4"}}}},
  };
  return p;
}

constexpr std::array kFamilyNames = {"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần",  "Lê", "Lê",
                                     "Phạm",   "Hoàng",  "Huỳnh",  "Phan", "Vũ",    "Võ", "Đặng",
                                     "Bùi",    "Đỗ",     "Hồ",     "Ngô",  "Dương", "Lý"};
constexpr std::array kMaleMiddle = {"Văn",   "Văn",  "Hữu",  "Đức",   "Minh",
                                    "Quang", "Xuân", "Công", "Thành", "Gia"};
constexpr std::array kFemaleMiddle = {"Thị", "Thị", "Ngọc", "Thu", "Thanh", "Phương", "Hoài", "Minh", "Bảo"};
constexpr std::array kMaleGiven = {"An",    "Bình",  "Cường", "Dũng", "Hải",   "Hùng",
                                   "Khánh", "Long",  "Minh",  "Nam",  "Phong", "Quân",
                                   "Sơn",   "Thắng", "Tuấn",  "Việt", "Hiếu",  "Trung"};
constexpr std::array kFemaleGiven = {"Anh",  "Chi",   "Hà",  "Hạnh", "Hoa",   "Hương",
                                     "Lan",  "Linh",  "Mai", "Nga",  "Ngọc",  "Phương",
                                     "Thảo", "Trang", "Vy",  "Yến",  "Huyền", "Nhung"};
constexpr std::array kEthnicities = {"Kinh", "Kinh", "Kinh",  "Kinh",   "Kinh", "Kinh", "Kinh", "Kinh",
                                     "Tày",  "Thái", "Mường", "Khơ-me", "Hoa",  "Nùng", "HMông"};
constexpr std::array kReligions = {"Không", "Không",     "Không",     "Không",   "Không",
                                   "Không", "Phật giáo", "Công giáo", "Cao đài", "Tin lành"};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  template <class A>
  auto pick(const A& a) {
    return a[std::uniform_int_distribution<size_t>(0, a.size() - 1)(rng_)];
  }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  model::Address address(const Province& p) {
    const District& d = pick(p.districts);
    const Ward& w = pick(d.wards);
    model::Address a;
    a.province_code = p.code;
    a.district_code = d.code;
    a.ward_code = w.code;
    std::string street = pick(d.streets);
    if (street.rfind("thôn", 0) == 0 || street.rfind("xóm", 0) == 0) {
      a.detail = street + ", " + w.name + ", " + d.name + ", " + p.name;
    } else if (chance(0.4)) {
      a.detail = "Số " + std::to_string(between(1, 60)) + ", ngõ " + std::to_string(between(2, 200)) + ", " +
                 street + ", " + w.name + ", " + d.name + ", " + p.name;
    } else {
      a.detail = "Số " + std::to_string(between(1, 400)) + ", " + street + ", " + w.name + ", " + d.name +
                 ", " + p.name;
    }
    return a;
  }

  std::string new_id(const Province& birth, bool female, int year) {
    for (;;) {
      int cs = (year - 1900) / 100 * 2 + (female ? 1 : 0);
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.3s%d%02d%06d", birth.birth_code, cs % 10, year % 100,
                    between(0, 999'999));
      if (used_.insert(buf).second) return buf;
    }
  }

  model::CitizenRecord person(bool female, int year, const std::string& family, const Province& birth) {
    model::CitizenRecord r;
    r.family_name = family;
    r.middle_name = female ? pick(kFemaleMiddle) : pick(kMaleMiddle);
    r.given_name = female ? pick(kFemaleGiven) : pick(kMaleGiven);
    r.gender = female ? "female" : "male";
    char dob[32];
    int month = between(1, 12);
    std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", year, month, between(1, 28));
    r.date_of_birth = dob;
    r.personal_id = new_id(birth, female, year);
    r.ethnicity = pick(kEthnicities);
    r.religion = pick(kReligions);
    r.nationality = "Việt Nam";
    r.hometown = address(birth);
    r.hometown.detail =
        r.hometown.detail.substr(r.hometown.detail.find(", ") + 2);  // quê quán: no house number
    return r;
  }

 private:
  std::mt19937_64 rng_;
  std::set<std::string> used_;
};

model::PersonRef ref(const model::CitizenRecord& r) {
  return {r.personal_id, r.full_name()};
}

}  // namespace

Population Population::generate(uint64_t seed, size_t households) {
  Generator g(seed);
  Population pop;
  const auto& provinces = places();
  for (size_t h = 0; h < households; ++h) {
    const Province& home = g.pick(provinces);
    model::Address permanent = g.address(home);
    bool head_female = g.chance(0.25);
    int head_year = g.between(1950, 1998);
    std::string family = g.pick(kFamilyNames);
    const Province& head_birth = g.chance(0.7) ? home : g.pick(provinces);
    std::vector<model::CitizenRecord> members;
    members.push_back(g.person(head_female, head_year, family, head_birth));
    bool has_spouse = g.chance(0.75);
    if (has_spouse) {
      const Province& sb = g.chance(0.6) ? home : g.pick(provinces);
      members.push_back(g.person(!head_female, head_year + g.between(-5, 5), g.pick(kFamilyNames), sb));
      members[0].spouse = ref(members[1]);
      members[1].spouse = ref(members[0]);
    }
    int children = has_spouse ? g.between(0, 3) : g.between(0, 1);
    for (int c = 0; c < children; ++c) {
      int year = std::min(2024, head_year + g.between(20, 38));
      bool female = g.chance(0.5);
      auto child = g.person(female, year, head_female && has_spouse ? members[1].family_name : family, home);
      child.hometown = members[0].hometown;
      if (!head_female || has_spouse) child.father = ref(head_female ? members[1] : members[0]);
      if (head_female || has_spouse) child.mother = ref(head_female ? members[0] : members[1]);
      members.push_back(std::move(child));
    }
    model::PersonRef head = ref(members[0]);
    for (size_t i = 0; i < members.size(); ++i) {
      auto& m = members[i];
      m.permanent_address = permanent;
      m.current_address = g.chance(0.85) ? permanent : g.address(g.pick(provinces));
      std::string rel = i == 0 ? "Chủ hộ" : (i == 1 && has_spouse) ? (head_female ? "Chồng" : "Vợ") : "Con";
      m.household_head = model::HouseholdHead{rel, head};
      pop.index_.emplace(m.personal_id, pop.citizens_.size());
      pop.citizens_.push_back(std::move(m));
    }
  }
  return pop;
}

const model::CitizenRecord* Population::find(std::string_view personal_id) const {
  auto it = index_.find(personal_id);
  return it == index_.end() ? nullptr : &citizens_[it->second];
}

}  // namespace lienthong::sim::population
