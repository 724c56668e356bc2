#include "app/seed_demo.h"

#include <random>
#include <sstream>
#include <stdexcept>

#include "analytics/plan_store.h"
#include "auth/password.h"
#include "domain/entity.h"
#include "domain/validate.h"
#include "storage/auth_store.h"
#include "storage/records.h"

namespace voronka::app {

using nlohmann::json;

namespace {

constexpr TimeMs kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;

struct DemoUser {
  const char* email;
  const char* name;
  const char* role;
  const char* position;
  bool takes_leads;
};

const DemoUser kUsers[] = {
    {"admin@demo.voronka.ru", "Антон Белов", "admin", "Администратор", false},
    {"owner@demo.voronka.ru", "Павел Орлов", "owner", "Собственник", false},
    {"head@demo.voronka.ru", "Ирина Соколова", "head", "Руководитель отдела продаж", false},
    {"alexey@demo.voronka.ru", "Алексей Смирнов", "manager", "Менеджер по продажам", true},
    {"maria@demo.voronka.ru", "Мария Кузнецова", "manager", "Менеджер по продажам", true},
    {"dmitry@demo.voronka.ru", "Дмитрий Попов", "manager", "Менеджер по продажам", true},
    {"ekaterina@demo.voronka.ru", "Екатерина Волкова", "manager", "Менеджер по продажам", true},
    {"olga@demo.voronka.ru", "Ольга Морозова", "manager", "Аккаунт-менеджер", false},
    {"sergey@demo.voronka.ru", "Сергей Лебедев", "manager", "Аккаунт-менеджер", false},
    {"natalia@demo.voronka.ru", "Наталья Егорова", "curator", "Куратор", false},
};

const char* kMaleFirst[] = {"Александр", "Максим", "Иван", "Артём", "Никита", "Михаил", "Андрей", "Владимир",
                            "Олег", "Роман", "Евгений", "Константин", "Георгий", "Виктор", "Степан"};
const char* kMaleLast[] = {"Иванов", "Петров", "Сидоров", "Васильев", "Фёдоров", "Николаев", "Захаров", "Зайцев",
                           "Павлов", "Семёнов", "Голубев", "Виноградов", "Богданов", "Воробьёв", "Тарасов"};
const char* kFemaleFirst[] = {"Анна", "Елена", "Ольга", "Татьяна", "Юлия", "Светлана", "Дарья", "Ксения",
                              "Алина", "Виктория", "Полина", "Марина", "Вера", "Людмила", "Софья"};
const char* kCompanyWords[] = {"Альфа", "Вектор", "Гранит", "Стройресурс", "ТехноЛайн", "Северный ветер",
                               "Медиаком", "Логистик Плюс", "Агропром", "Фармация", "Горизонт", "ИнвестГрупп",
                               "Уральские машины", "Волга-Трейд", "Сибирь Нефтесервис", "Бизнес Решения",
                               "Кондитерская Сладкоежка", "Клиника Здоровье", "АвтоМир", "ЭкоДом",
                               "Школа Знаний", "Юридическое бюро Право", "Мебельная фабрика Уют", "ТурЭкспресс"};
const char* kCompanyForms[] = {"ООО", "АО", "ИП", "ООО", "ООО"};
const char* kProducts[] = {"Корпоративный сайт", "Интернет-магазин", "Мобильное приложение", "Корпоративный портал",
                           "Интеграция с 1С", "Техническая поддержка", "CRM-внедрение"};
const char* kRegions[] = {"Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск", "Краснодар",
                          "Нижний Новгород"};
const char* kTimeZones[] = {"Europe/Moscow", "Europe/Moscow", "Europe/Moscow", "Asia/Yekaterinburg",
                            "Asia/Novosibirsk", "Europe/Moscow", "Europe/Moscow"};
const char* kLostReasons[] = {"Проект отложен", "Ждём решения другого человека", "Нет времени изучить КП",
                              "Выбрали конкурента", "Ещё выбирают", "Сегмент C: отказ с предложением партнёра",
                              "Не прошёл отсев"};
const char* kCallGoals[] = {"Получить телефон и удобное время звонка", "Провести отсев по критериям",
                            "Оценить запрос по скорингу", "Договориться о глубинном интервью",
                            "Согласовать дату презентации КП", "Узнать решение по КП"};
const char* kOutcomes[] = {"Клиент подтвердил интерес, бюджет в рамках", "Запросил примеры работ",
                           "Нужна встреча с техническим директором", "Уточнили сроки и объём работ",
                           "Попросил прислать договор", "Обсудили этапы и стоимость"};

// The funnel: the stages a lead passes and the chance of reaching the next one.
const char* kPath[] = {"incoming", "contact", "screening", "scoring", "interview_prep", "deep_interview",
                       "proposal", "presentation", "closing"};
const double kPass[] = {0.92, 0.85, 0.8, 0.7, 0.85, 0.8, 0.85, 0.8, 0.45};

class Seeder {
 public:
  Seeder(storage::Tx& tx, const SeedOptions& o) : tx_(tx), o_(o), rng_(o.seed) {}

  template <class T, size_t N>
  const T& Pick(const T (&arr)[N]) {
    return arr[std::uniform_int_distribution<size_t>(0, N - 1)(rng_)];
  }
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  json Create(std::string_view entity, const json& body, std::optional<int64_t> by, TimeMs at,
              std::optional<int64_t> author = std::nullopt) {
    const auto& spec = entity == "users" ? domain::UsersSpec() : *domain::FindEntity(entity);
    auto values = domain::ValidateCreate(spec, body);
    if (!values.ok()) throw std::runtime_error("demo " + std::string(entity) + ": " + values.error().message);
    if (author) domain::SetValue(values.value(), spec.Find("author_id"), *author);
    auto r = storage::CreateRecord(tx_, spec, values.value(), {by, at});
    if (!r.ok()) throw std::runtime_error("demo " + std::string(entity) + ": " + r.error().message);
    return r.value();
  }

  json Update(std::string_view entity, const json& current, json patch, std::optional<int64_t> by, TimeMs at) {
    const auto& spec = *domain::FindEntity(entity);
    patch["version"] = current["version"];
    int64_t version = 0;
    auto values = domain::ValidatePatch(spec, patch, &version);
    if (!values.ok()) throw std::runtime_error("demo " + std::string(entity) + ": " + values.error().message);
    auto r = storage::UpdateRecord(tx_, spec, current["id"].get<int64_t>(), version, values.value(), {by, at});
    if (!r.ok()) throw std::runtime_error("demo " + std::string(entity) + ": " + r.error().message);
    return r.value();
  }

  // A working-hours moment (Moscow, UTC+3) `days_ago` days before now.
  TimeMs WorkTime(int days_ago) {
    TimeMs day_start = (o_.now / kDay - days_ago) * kDay;  // 00:00 UTC = 03:00 MSK
    TimeMs t = day_start + 6 * kHour + Int(0, 9 * 60) * kMinute;  // 09:00–18:00 MSK
    return std::min(t, o_.now - kMinute);
  }

  std::string Phone() {
    static const int codes[] = {903, 905, 909, 915, 916, 917, 925, 926, 977, 985, 999, 812, 843};
    std::ostringstream s;
    s << "+7" << Pick(codes) << Int(1000000, 9999999);
    return s.str();
  }

  // This month's plan: last month's revenue plus 15 %, rounded up to 100 000 ₽, worked back up
  // the funnel with last month's conversions and split equally between the four managers.
  void SavePlan(int64_t head) {
    json request = {{"month", analytics::MonthOf(o_.now)}, {"revenue_plan", 100}};
    auto normal = analytics::NormalisePlanRequest(tx_, request);
    if (!normal.ok()) return;
    auto probe = analytics::ComputePlan(tx_, normal.value());
    if (!probe.ok()) return;
    const int64_t step = 100'000 * 100;
    int64_t revenue = probe.value()["base"]["revenue"].get<int64_t>() * 115 / 100;
    json plan = normal.value();
    plan["revenue_plan"] = std::max<int64_t>(1, (revenue + step - 1) / step) * step;
    plan["break_even"] = plan["revenue_plan"].get<int64_t>() / 2;
    auto computed = analytics::ComputePlan(tx_, plan);
    if (computed.ok()) analytics::SavePlan(tx_, computed.value(), head, o_.now);
  }

  std::string Run() {
    std::vector<int64_t> ids;
    std::string hash = auth::HashPassword(kDemoPassword);
    TimeMs start = o_.now - 100 * kDay;
    for (const auto& u : kUsers) {
      json user = Create("users",
                         {{"email", u.email}, {"name", u.name}, {"role", u.role}, {"position", u.position},
                          {"takes_leads", u.takes_leads}, {"time_zone", "Europe/Moscow"}},
                         std::nullopt, start);
      storage::SetPasswordHash(tx_, user["id"].get<int64_t>(), hash);
      ids.push_back(user["id"].get<int64_t>());
    }
    int64_t admin = ids[0], head = ids[2];
    json team = Create("teams", {{"name", "Отдел продаж"}, {"head_id", head}}, admin, start);
    for (size_t i = 3; i <= 8; ++i)
      tx_.Exec("UPDATE users SET team_id = ? WHERE id = ?", {team["id"].get<int64_t>(), ids[i]});
    tx_.Exec("UPDATE users SET team_id = ? WHERE id = ?", {team["id"].get<int64_t>(), head});
    std::vector<int64_t> managers = {ids[3], ids[4], ids[5], ids[6]};
    std::vector<int64_t> account_managers = {ids[7], ids[8]};

    std::vector<json> companies;
    int won = 0, lost = 0, open = 0;
    for (int i = 0; i < o_.leads; ++i) {
      int days_ago = static_cast<int>((1.0 - double(i) / o_.leads) * 90);
      TimeMs t0 = WorkTime(days_ago);
      int64_t manager = managers[i % managers.size()];
      static const char* channels[] = {"site_form", "site_form", "site_form", "site_form", "email", "email",
                                       "phone",     "phone",     "phone",     "messenger", "messenger"};
      std::string channel = Pick(channels);
      int region_idx = Int(0, 6);

      // Company: reuse an existing one now and then (repeat clients).
      json company;
      if (!companies.empty() && Uniform() < 0.12) {
        company = companies[Int(0, static_cast<int>(companies.size()) - 1)];
      } else {
        std::string name = std::string(Pick(kCompanyForms)) + " «" + Pick(kCompanyWords) + "»";
        if (Uniform() < 0.5) name += " " + std::string(kRegions[region_idx]);
        company = Create("companies",
                         {{"name", name}, {"region", kRegions[region_idx]}, {"responsible_id", manager},
                          {"inn", std::to_string(7700000000LL + Int(0, 99999999))}},
                         manager, t0);
        companies.push_back(company);
      }
      bool female = Uniform() < 0.45;
      std::string person = female ? std::string(Pick(kFemaleFirst)) + " " + Pick(kMaleLast) + "а"
                                  : std::string(Pick(kMaleFirst)) + " " + Pick(kMaleLast);
      json contact_body = {{"name", person}, {"company_id", company["id"]}, {"responsible_id", manager},
                           {"time_zone", kTimeZones[region_idx]},
                           {"position", Uniform() < 0.5 ? "Директор" : "Руководитель проекта"}};
      if (channel == "phone" || Uniform() < 0.8) contact_body["phones"] = {Phone()};
      if (channel != "phone" || Uniform() < 0.5)
        contact_body["emails"] = {"client" + std::to_string(i + 1) + "@example.ru"};
      json contact = Create("contacts", contact_body, manager, t0);

      // Amount: 40 000 – 2 000 000 ₽, most deals near the average sale.
      double rub = 40000.0 * std::exp(std::uniform_real_distribution<double>(0, 1)(rng_) *
                                      std::uniform_real_distribution<double>(0, 1)(rng_) * std::log(50.0));
      int64_t amount = static_cast<int64_t>(rub / 1000) * 1000 * 100;
      std::string product = Pick(kProducts);
      json deal = Create("deals",
                         {{"title", product + " — " + std::string(company["name"])},
                          {"channel", channel}, {"amount", amount}, {"product", product},
                          {"region", kRegions[region_idx]}, {"responsible_id", manager},
                          {"contact_id", contact["id"]}, {"company_id", company["id"]}},
                         manager, t0);
      Create("activities",
             {{"type", channel == "phone" ? "call" : channel == "email" ? "email" : channel == "messenger" ? "message" : "note"},
              {"deal_id", deal["id"]}, {"contact_id", contact["id"]},
              {"goal", "Входящая заявка (" + channel + ")"}, {"occurred_at", FormatIso(t0)}},
             manager, t0, manager);

      // Walk the funnel: each day of age lets the lead move further.
      int age_days = static_cast<int>((o_.now - t0) / kDay);
      size_t reached = 0;
      while (reached + 1 < std::size(kPath) && Uniform() < kPass[reached] && int(reached) < age_days / 2 + 1) ++reached;
      TimeMs t = t0 + Int(5, 25) * kMinute;
      std::vector<TimeMs> reached_at(std::size(kPath), t0);  // when the card entered each stage
      for (size_t s = 1; s <= reached; ++s) {
        t += Int(2, 48) * kHour;
        if (t > o_.now - kHour) t = o_.now - kHour;
        reached_at[s] = t;
        if (s >= 2 && Uniform() < 0.8) {
          bool meeting = s >= 5 && Uniform() < 0.5;
          Create("activities",
                 {{"type", meeting ? "meeting" : "call"}, {"deal_id", deal["id"]}, {"contact_id", contact["id"]},
                  {"goal", kCallGoals[std::min<size_t>(s - 1, std::size(kCallGoals) - 1)]},
                  {"outcome", Pick(kOutcomes)}, {"next_step", "Следующий этап: " + std::string(kPath[s])},
                  {"next_step_at", FormatIso(t + kDay)}, {"duration_min", meeting ? Int(30, 90) : Int(3, 25)},
                  {"occurred_at", FormatIso(t)}},
                 manager, t, manager);
        }
      }
      json patch = {{"stage", kPath[reached]}};
      if (reached >= 3) {
        int score = std::clamp(static_cast<int>(std::round(std::normal_distribution<double>(2, 6)(rng_))), -15, 15);
        patch["score"] = score;
        patch["segment"] = score >= 10 ? "A" : score <= -10 ? "C" : "B";
        if (score >= 10) patch["members"] = {manager, head};
      }
      bool closed_window = age_days > 10;
      std::string status = "open";
      if (reached == std::size(kPath) - 1 && closed_window && Uniform() < 0.55) {
        status = "won";
      } else if (closed_window && (Uniform() < 0.35 || (patch.contains("segment") && patch["segment"] == "C"))) {
        status = "lost";
        patch["lost_reason"] = patch.contains("segment") && patch["segment"] == "C"
                                   ? kLostReasons[5]
                                   : (reached < 3 ? kLostReasons[6] : kLostReasons[Int(0, 4)]);
      }
      if (status != "open") {
        patch["status"] = status;
        patch["stage"] = status;
        if (status == "won" && Uniform() < 0.5) patch["responsible_id"] = account_managers[i % 2];
      }
      // The card walks the stages one by one, so the funnel report has a time in every stage.
      for (size_t s = 1; s < reached; ++s) deal = Update("deals", deal, {{"stage", kPath[s]}}, manager, reached_at[s]);
      // A closed card first reaches its last stage, so the audit log shows how far it got.
      if (status != "open" && reached > 0) deal = Update("deals", deal, {{"stage", kPath[reached]}}, manager, t);
      // Closing takes a few hours to days (derived from the id: the random stream stays as it was).
      if (status != "open") t = std::min(t + (deal["id"].get<int64_t>() * 7919 % 72 + 4) * kHour, o_.now - kMinute);
      if (reached > 0 || status != "open") deal = Update("deals", deal, patch, manager, t);
      status == "won" ? ++won : status == "lost" ? ++lost : ++open;

      // Tasks: done ones behind, and the next step of every open deal (some overdue).
      if (reached > 0) {
        json task = Create("tasks",
                           {{"title", "Получить телефон, часовой пояс и удобное время звонка"}, {"deal_id", deal["id"]},
                            {"assignee_id", manager}, {"due_at", FormatIso(t0 + 30 * kMinute)}, {"done", true},
                            {"kind", "get_contact"}},
                           manager, t0, manager);
        // Done within the hour: about half within the 30 minutes the process gives (the regulation
        // report), derived from the id so the random stream stays as it was.
        tx_.Exec("UPDATE tasks SET done_at = ? WHERE id = ?",
                 {t0 + (deal["id"].get<int64_t>() * 37 % 60 + 1) * kMinute, task["id"].get<int64_t>()});
      }
      if (status == "open") {
        int offset_h = Int(-72, 120);
        TimeMs due = o_.now + offset_h * kHour;
        Create("tasks",
               {{"title", std::string(kCallGoals[std::min<size_t>(reached, std::size(kCallGoals) - 1)])},
                {"deal_id", deal["id"]}, {"assignee_id", manager}, {"due_at", FormatIso(due)},
                {"kind", "next_step"}},
               manager, std::min(t, o_.now - kMinute), manager);
        // A next step more than a day late is a deviation the head's monitor shows.
        if (offset_h < -24)
          tx_.Exec("INSERT INTO deviations (deal_id, code, user_id, message_ru, message_en, created_at) "
                   "VALUES (?, 'next_step', ?, ?, ?, ?)",
                   {deal["id"].get<int64_t>(), manager, std::string("Следующий шаг просрочен больше чем на сутки"),
                    std::string("The next step is more than a day overdue"), due + kDay});
      }
    }
    SavePlan(head);
    std::ostringstream out;
    out << "Demo company seeded: " << std::size(kUsers) << " users, " << companies.size() << " companies, "
        << o_.leads << " leads (" << won << " won, " << lost << " lost, " << open << " open).\n"
        << "Logins (password '" << kDemoPassword << "'):\n";
    for (const auto& u : kUsers) out << "  " << u.email << "  — " << u.name << ", " << u.position << "\n";
    return out.str();
  }

 private:
  storage::Tx& tx_;
  const SeedOptions& o_;
  std::mt19937 rng_;
};

// Lead routing as the seed describes it (juniors take segment C, seniors A) and a vacation next
// week with a stand-in, so the Routing page has something to show.
void SeedRouting(storage::Tx& tx, TimeMs now) {
  const std::string rules =
      "groups:\n"
      "  juniors: {users: [dmitry@demo.voronka.ru, ekaterina@demo.voronka.ru]}\n"
      "  seniors: {users: [alexey@demo.voronka.ru, maria@demo.voronka.ru]}\n"
      "rules:\n"
      "  - name: segment_c_juniors\n    when: {segment: C}\n    to: juniors\n    sla: 15m\n"
      "  - name: segment_a_seniors\n    when: {segment: A}\n    to: seniors\n    strategy: least_loaded\n    sla: 15m\n"
      "  - name: phone_calls\n    when: {channel: phone}\n    to: {takes_leads: true}\n    strategy: least_loaded\n"
      "    sla: 15m\n"
      "  - name: default\n    to: {takes_leads: true}\n    sla: 15m\n";
  tx.Exec("INSERT INTO routing_config (id, yaml, updated_at, updated_by) VALUES (1, ?, ?, NULL)", {rules, now});
  auto id = [&](const char* email) { return tx.Query("SELECT id FROM users WHERE email = ?", {std::string(email)})[0].Int(0); };
  tx.Exec("INSERT INTO absences (user_id, kind, starts_at, ends_at, stand_in_id, note, created_by, created_at) "
          "VALUES (?, 'vacation', ?, ?, ?, ?, ?, ?)",
          {id("ekaterina@demo.voronka.ru"), now + 7 * kDay, now + 21 * kDay, id("dmitry@demo.voronka.ru"),
           std::string("Отпуск по графику"), id("head@demo.voronka.ru"), now});
}

}  // namespace

std::string SeedDemo(storage::Database& db, const SeedOptions& options) {
  auto tx = db.Begin(storage::TxMode::kWrite);
  if (options.if_empty && !tx->Query("SELECT 1 FROM users LIMIT 1").empty())
    return "The database already has users; demo data not added.\n";
  if (!tx->Query("SELECT 1 FROM users WHERE email = ?", {std::string(kUsers[0].email)}).empty())
    throw std::runtime_error("the demo company is already in this database");
  Seeder seeder(*tx, options);
  std::string summary = seeder.Run();
  SeedRouting(*tx, options.now);
  tx->Commit();
  return summary;
}

}  // namespace voronka::app
