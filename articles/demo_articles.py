"""The demo health library: articles written for this project, in our own words, from the
clinic facts in the team's shared design notes (kept beside the repository, not in it).

Each entry: slug, title, summary, body (Markdown), author and reviewer (therapist slugs), topics,
related services (slugs), references, days since publication (negative: scheduled; None: draft),
whether it is featured, and the colours of its hero picture.

Long because it is the library's text: data, not code.
"""

ARTICLES = [
    {
        "slug": "does-massage-help-low-back-pain",
        "title": "Does massage therapy help low back pain?",
        "summary": "What massage can do for an aching lower back, what the research found, and "
        "why it works best as part of a plan rather than on its own.",
        "author": "dana-whitfield",
        "reviewer": "marcus-oyelaran",
        "topics": ["back-pain", "research"],
        "services": ["initial-assessment-and-treatment", "deep-tissue-massage"],
        "days_ago": 40,
        "featured": True,
        "hero": {"sky": (214, 232, 228), "hills": (96, 150, 138), "accent": (250, 236, 200)},
        "hero_caption": "Most back pain is muscular, and muscles respond to touch and movement.",
        "references": [
            (
                "Cherkin DC, Eisenberg D, Sherman KJ, et al. Randomized trial comparing "
                "traditional Chinese medical acupuncture, therapeutic massage, and self-care "
                "education for chronic low back pain. Archives of Internal Medicine. "
                "2001;161(8):1081–1088.",
                "https://doi.org/10.1001/archinte.161.8.1081",
            ),
            (
                "Furlan AD, Giraldo M, Baskwill A, Irvin E, Imamura M. Massage for low-back pain. "
                "Cochrane Database of Systematic Reviews. 2015;(9):CD001929.",
                "https://doi.org/10.1002/14651858.CD001929.pub3",
            ),
            (
                "National Institute of Neurological Disorders and Stroke. Back pain.",
                "https://www.ninds.nih.gov/health-information/disorders/back-pain",
            ),
        ],
        "body": """
Almost everyone has a bad back at some point, and for many people it keeps coming back. So it
is fair to ask: is a massage worth your time and money, or does it simply feel nice for an hour?

## What massage actually does

A massage therapist works on soft tissue: muscles, tendons and the connective tissue around them.
Pressure and movement help muscles that are guarding or in spasm to let go, and ease the
stiffness that builds when you sit or stand in one position all day. Circulation of blood and
lymph improves in the area being treated.

There is a whole-body effect too. Massage prompts the release of endorphins, the body's own
pain-dampening chemicals, which lowers how much pain you notice and lifts your mood. Many
patients also sleep better after treatment, and good sleep helps tissue recover.

## What the research found

One well-known trial, published in 2001, followed 262 adults aged 20 to 70 with low back pain
that had lasted at least six weeks, patients of a health plan in Washington State, USA. Those who
had a weekly massage for ten weeks reported less pain and found daily activities easier than
people who only received self-care books, and the benefit was still measurable a year later.

A review of 25 trials for the Cochrane Collaboration (2015) came to a more careful conclusion:
massage helps with low back pain in the short term, but the evidence is not strong enough to
promise lasting relief on its own.

## When it helps most

Massage does its best work when the pain comes from muscles: tension, a strain from lifting, or
posture that keeps some muscles working too hard. If a joint is restricted or "locked", massage
can relax the muscles around it, but it will not free the joint itself. That calls for a
chiropractor or physiotherapist, often alongside massage.

## Why one session is rarely enough

Massage is a passive treatment: it is done *to* you. Lasting relief usually comes from a short
course of sessions combined with active care you do yourself, such as:

- gentle daily stretching,
- strengthening the muscles of your trunk,
- walking or exercise in water,
- physiotherapy when a joint or nerve is involved.

> A good therapist will give you one or two exercises to keep the gains between visits.

## The bottom line

For most muscular back pain, massage is a safe, sensible part of recovery, with research behind
it. Start with an assessment so your therapist can check that massage is right for you and plan
how many sessions are likely to help.
""",
    },
    {
        "slug": "when-massage-is-not-the-right-treatment",
        "title": "When massage is not the right treatment",
        "summary": "The conditions where massage will not help or could do harm, the ones that "
        "need a doctor's go-ahead first, and the warning signs that need medical care today.",
        "author": "marcus-oyelaran",
        "reviewer": "dana-whitfield",
        "topics": ["safety", "back-pain"],
        "services": ["initial-assessment-and-treatment"],
        "days_ago": 33,
        "featured": True,
        "hero": {"sky": (236, 226, 214), "hills": (150, 120, 96), "accent": (255, 248, 230)},
        "references": [
            (
                "National Center for Complementary and Integrative Health. Massage therapy: "
                "what you need to know.",
                "https://www.nccih.nih.gov/health/massage-therapy-what-you-need-to-know",
            ),
            ("NHS. Back pain.", "https://www.nhs.uk/conditions/back-pain/"),
        ],
        "body": """
We would rather tell you that massage is not for you than take a booking that will not help.
Before your first session we ask about your health for exactly this reason. Here is what we look
for, and why.

## When massage cannot fix the cause

Some back pain does not come from muscles at all, and no amount of massage will reach it:

- **Broken bones.** Massage cannot heal a fracture. Once the bone has healed, treatment for the
  stiff muscles around it is fine.
- **Pain from organs.** A kidney infection, appendicitis and other problems inside the body can
  be felt in the back. These need a doctor.
- **Spinal problems** such as a herniated disc, a fracture of a vertebra or a tumour of the spine.
  Massage does nothing for the cause and pressure in the wrong place may do harm.

## When to check with your doctor first

Pressure that is harmless for most people can hurt some. Please ask your doctor before booking if
you:

- take blood thinners, which make bruising more likely;
- have severe osteoporosis, where bones break more easily;
- have varicose veins in the area to be treated;
- are in a flare of rheumatoid arthritis or another inflammatory condition;
- are recovering from a heart condition or heart surgery;
- are being treated for cancer, especially if it has spread; we avoid the area near a tumour.

Hot-stone massage is not suitable if you have reduced sensitivity to heat or an inflammatory
condition, for example diabetic neuropathy, rheumatoid arthritis or multiple sclerosis.

## Pregnancy

Massage during pregnancy is considered safe when it is given by a therapist trained in prenatal
care, who knows which pressure points and essential oils to avoid.

## Warning signs: see a doctor, not a massage therapist

Seek medical care promptly, and urgently if it is sudden or severe, if back pain comes with:

1. fever;
2. loss of control of your bladder or bowels;
3. numbness in the groin or inner thighs;
4. pain that started after a significant fall or accident;
5. weight loss you cannot explain.

If any of these apply, please do not wait for a massage appointment.
""",
    },
    {
        "slug": "swedish-deep-tissue-or-trigger-point",
        "title": "Swedish, deep tissue or trigger point: which massage for back pain?",
        "summary": "A plain guide to the common massage styles, how each one feels, and which "
        "tends to suit different kinds of back pain.",
        "author": "sofia-reyes",
        "reviewer": "dana-whitfield",
        "topics": ["types-of-massage", "back-pain"],
        "services": ["swedish-massage", "deep-tissue-massage", "trigger-point-therapy"],
        "days_ago": 26,
        "featured": False,
        "hero": {"sky": (222, 228, 242), "hills": (110, 124, 170), "accent": (250, 240, 210)},
        "references": [
            (
                "Furlan AD, Giraldo M, Baskwill A, Irvin E, Imamura M. Massage for low-back pain. "
                "Cochrane Database of Systematic Reviews. 2015;(9):CD001929.",
                "https://doi.org/10.1002/14651858.CD001929.pub3",
            ),
            (
                "National Center for Complementary and Integrative Health. Massage therapy: "
                "what you need to know.",
                "https://www.nccih.nih.gov/health/massage-therapy-what-you-need-to-know",
            ),
        ],
        "body": """
Massage menus can be confusing. The names describe different techniques, and each suits some
problems better than others. Your therapist will usually blend several, but it helps to know what
you are asking for.

## Swedish massage

Long, flowing strokes with light to moderate pressure. It relaxes the whole body, calms the
nervous system and is a gentle start if you are new to massage or sore all over. A good choice
for general tension and stress-related tightness.

## Deep tissue massage

Slow, firm pressure that reaches the deeper layers of muscle. It suits chronic tightness that
lighter work does not shift. It should feel strong but never sharp; tell your therapist if it
does, and expect to feel a little tender the next day.

## Trigger point therapy

Trigger points are tight knots in a muscle that send pain somewhere else, for instance from
the buttock down the leg or from the shoulder into the head. The therapist holds steady pressure
on the knot until it releases. Sessions are often short and focused.

## Medical or orthopedic massage

Clinically informed, targeted treatment planned around an assessment of the injured tissue. It is
often part of a plan alongside physiotherapy or chiropractic care.

## Other styles you may see

- **Sports massage:** before or after training, to prepare muscles or speed recovery.
- **Shiatsu:** a Japanese technique using pressure on points along the body.
- **Hot stone:** warmed stones help muscles relax; not for everyone (see our safety article).
- **Prenatal massage:** adapted positions and techniques for pregnancy.
- **Manual lymphatic drainage:** very light rhythmic strokes that help reduce swelling.

## Choosing a therapist

Look for someone licensed or certified, trained in the technique you need, and experienced.
One guideline suggests at least 500 hours of training. It is fine to ask.
""",
    },
    {
        "slug": "what-is-medical-massage",
        "title": "What is medical massage?",
        "summary": "How medical (or orthopedic) massage differs from a relaxation massage, and "
        "who it is for.",
        "author": "marcus-oyelaran",
        "reviewer": "dana-whitfield",
        "topics": ["types-of-massage"],
        "services": ["medical-and-orthopedic-massage"],
        "days_ago": 19,
        "featured": False,
        "hero": {"sky": (226, 236, 226), "hills": (104, 140, 110), "accent": (245, 245, 235)},
        "references": [
            (
                "Furlan AD, Giraldo M, Baskwill A, Irvin E, Imamura M. Massage for low-back pain. "
                "Cochrane Database of Systematic Reviews. 2015;(9):CD001929.",
                "https://doi.org/10.1002/14651858.CD001929.pub3",
            ),
        ],
        "body": """
"Medical massage" is not a single technique. It describes *why* and *how* a treatment is
planned: around a specific problem, with clear goals, rather than for general relaxation.

## How it is different

- **It starts with an assessment.** Your therapist asks how the problem started, what makes it
  better or worse, and tests how you move.
- **It is targeted.** Time goes to the tissue involved in the problem, not an even spread over the
  whole body.
- **It has goals you can measure.** For example, turning your head fully to check your blind spot,
  or sitting through a meeting without pain.
- **It often works with other care.** Your therapist may coordinate with a physiotherapist,
  chiropractor or doctor.

## Who it is for

People recovering from a strain or sprain, those with stiffness after an injury, and people whose
pain comes from posture at work. It also suits anyone who wants a clear plan rather than an
open-ended series of visits.

## What a session feels like

Expect some conversation and re-testing during the session. Techniques may include deep tissue
work, trigger point pressure and gentle stretching. You stay in control of the pressure.
""",
    },
    {
        "slug": "massage-and-chiropractic-care-together",
        "title": "Massage and chiropractic care: better together?",
        "summary": "Why massage and chiropractic care are often combined for back pain, and how to "
        "tell which one you need first.",
        "author": "dana-whitfield",
        "reviewer": "marcus-oyelaran",
        "topics": ["back-pain"],
        "services": ["medical-and-orthopedic-massage", "deep-tissue-massage"],
        "days_ago": 12,
        "featured": False,
        "hero": {"sky": (240, 230, 222), "hills": (170, 120, 110), "accent": (255, 245, 225)},
        "references": [
            (
                "Qaseem A, Wilt TJ, McLean RM, Forciea MA. Noninvasive treatments for acute, "
                "subacute, and chronic low back pain: a clinical practice guideline from the "
                "American College of Physicians. Annals of Internal Medicine. 2017;166(7):514–530.",
                "https://doi.org/10.7326/M16-2367",
            ),
        ],
        "body": """
Massage therapists and chiropractors both treat back pain, but they work on different parts of
the problem. Many patients do best with both.

## Two different targets

A massage therapist works on **soft tissue**: tight, overworked or spasming muscles. A
chiropractor focuses on **joints**, especially those of the spine, and how well they move.

When a joint is restricted, the muscles around it often tighten to protect it. Massage can ease
that guarding, but it will not restore the joint's movement. An adjustment can free the joint,
but tight muscles may pull it back into old habits.

## Why combining them helps

- Relaxed muscles can make joint treatment more comfortable.
- Treating the joint removes a reason for the muscles to keep guarding.
- Both work better alongside active care: exercises, stretching and movement.

## Which first?

If your pain feels like a deep ache or tightness that changes with pressure, start with massage.
If you feel stuck, with a sharp catch when you move in one direction, a joint assessment may be
the better first step. We are happy to refer you either way.
""",
    },
    {
        "slug": "easing-back-pain-at-home",
        "title": "Easing back pain at home: heat, massage tools and movement",
        "summary": "Simple, safe things you can do between appointments: using heat, a massage gun "
        "or a foam roller properly, and why gentle movement beats rest.",
        "author": "sofia-reyes",
        "reviewer": "marcus-oyelaran",
        "topics": ["self-care", "back-pain"],
        "services": ["swedish-massage"],
        "days_ago": 7,
        "featured": False,
        "hero": {"sky": (246, 232, 214), "hills": (190, 140, 100), "accent": (255, 250, 235)},
        "references": [
            (
                "Qaseem A, Wilt TJ, McLean RM, Forciea MA. Noninvasive treatments for acute, "
                "subacute, and chronic low back pain: a clinical practice guideline from the "
                "American College of Physicians. Annals of Internal Medicine. 2017;166(7):514–530.",
                "https://doi.org/10.7326/M16-2367",
            ),
            ("NHS. Back pain.", "https://www.nhs.uk/conditions/back-pain/"),
        ],
        "body": """
What you do between sessions matters as much as the sessions themselves. These are the habits we
recommend most often.

## Warmth

Heat relaxes tight muscles and eases stiffness:

- a warm bath for 20 to 30 minutes;
- a heat wrap or a hot water bottle wrapped in a towel.

Do not fall asleep on a heating pad, and skip heat on a fresh injury that is swollen.

## Massage guns

A massage gun can help, used gently:

- glide it slowly, about an inch per second;
- a few minutes per area is enough;
- keep it on muscle and away from bones, the spine itself and the front of the neck.

## Foam rollers

Rolling slowly over the large muscles of the thighs, buttocks and upper back can ease tightness.
Roll the lower back gently, or not at all, and stop if you feel pain rather than pressure.

## Keep moving

Long bed rest usually slows recovery. Short walks, gentle stretching and exercise in water keep
muscles working without straining them. Over time, strengthening the muscles of your trunk helps
stop the pain coming back.

## When home care is not enough

If pain is getting worse, spreading down a leg, or comes with any of the warning signs in our
safety article, please see a doctor.
""",
    },
    {
        "slug": "your-first-appointment",
        "title": "What to expect at your first appointment",
        "summary": "From the health questions to what to wear: a walk through a first visit, so "
        "nothing comes as a surprise.",
        "author": "dana-whitfield",
        "reviewer": "sofia-reyes",
        "topics": ["your-visit"],
        "services": ["initial-assessment-and-treatment"],
        "days_ago": 3,
        "featured": False,
        "hero": {"sky": (220, 232, 240), "hills": (100, 140, 160), "accent": (250, 245, 225)},
        "references": [
            (
                "National Center for Complementary and Integrative Health. Massage therapy: "
                "what you need to know.",
                "https://www.nccih.nih.gov/health/massage-therapy-what-you-need-to-know",
            ),
        ],
        "body": """
A first visit is part conversation, part treatment. Here is how it usually goes.

## Before you arrive

When you request a time online you answer a few short health questions. They let your therapist
spot anything that needs care or a doctor's opinion first. Please arrive a few minutes early and
wear or bring comfortable clothes.

## The conversation

Your therapist asks where it hurts, how it started, what makes it better or worse, and what you
hope to get back to doing. Mention any medication, recent surgery or pregnancy.

## The assessment

You may be asked to bend, turn or walk so your therapist can see how you move. Nothing should be
painful; say so if it is.

## The treatment

You undress to your comfort level and are covered with a sheet at all times, except the area being
treated. Your therapist checks the pressure with you. You can ask to stop or change anything at
any moment.

## Afterwards

You will get a short plan: how many sessions are likely to help, and one or two things to do at
home. Drink some water, and expect mild tenderness for a day after deeper work.

## Cancelling

If you cannot make it, please let us know at least 24 hours ahead so someone else can have the
time.
""",
    },
    {
        "slug": "prenatal-massage",
        "title": "Prenatal massage: comfort for a changing body",
        "summary": "How massage is adapted during pregnancy, what it can ease, and when to check "
        "with your midwife or doctor first.",
        "author": "sofia-reyes",
        "reviewer": "dana-whitfield",
        "topics": ["types-of-massage", "safety"],
        "services": ["prenatal-massage"],
        "days_ago": 55,
        "featured": False,
        "hero": {"sky": (246, 226, 230), "hills": (180, 120, 140), "accent": (255, 248, 240)},
        "references": [
            (
                "National Center for Complementary and Integrative Health. Massage therapy: "
                "what you need to know.",
                "https://www.nccih.nih.gov/health/massage-therapy-what-you-need-to-know",
            ),
        ],
        "body": """
Pregnancy changes how you carry your weight, and the low back, hips and legs often feel it.
Massage by a therapist trained in prenatal care is considered safe and can bring real relief.

## How it is adapted

- **Position.** You lie on your side, supported by cushions, rather than on your front.
- **Pressure.** Firm enough to ease tight muscles, never deep over the legs.
- **What we avoid.** Some pressure points and essential oils are best left alone while pregnant.

## What it can help with

Low back and hip aches, tight shoulders, and the general tiredness of carrying extra weight. Many
people also sleep better after a session.

## Check first if

your pregnancy is considered high risk, you have swelling that came on suddenly, or you have been
told to rest. Your midwife or doctor can tell you whether massage is right for you now.
""",
    },
    {
        "slug": "sleep-and-muscle-tension",
        "title": "Sleep and muscle tension: breaking the cycle",
        "summary": "How poor sleep and tight muscles feed each other, and small changes that help.",
        "author": "kenji-tanaka",
        "reviewer": "dana-whitfield",
        "topics": ["self-care"],
        "services": ["swedish-massage"],
        "days_ago": -5,
        "featured": False,
        "hero": {"sky": (200, 208, 232), "hills": (80, 90, 140), "accent": (240, 240, 220)},
        "references": [
            (
                "National Center for Complementary and Integrative Health. Massage therapy: "
                "what you need to know.",
                "https://www.nccih.nih.gov/health/massage-therapy-what-you-need-to-know",
            ),
        ],
        "body": """
Tight muscles make it hard to get comfortable at night, and a short night leaves muscles less able
to recover. This article is scheduled and appears on its own on its publish date.

## The cycle

Stress raises muscle tension; tension disturbs sleep; poor sleep lowers the threshold for pain.

## Small changes

A warm shower before bed, a regular bedtime and a pillow that keeps your neck level all help.
""",
    },
    {
        "slug": "desk-posture-myths",
        "title": "Desk posture: three myths",
        "summary": "A draft the clinic is still working on.",
        "author": "dana-whitfield",
        "reviewer": None,
        "topics": ["back-pain"],
        "services": [],
        "days_ago": None,
        "featured": False,
        "hero": None,
        "references": [
            ("NHS. Back pain.", "https://www.nhs.uk/conditions/back-pain/"),
        ],
        "body": """
## Myth one: there is one perfect posture

The best posture is the next one: change position often.
""",
    },
]

TOPICS = [
    ("back-pain", "Back pain", "Why backs hurt, what helps, and when to see someone."),
    ("types-of-massage", "Types of massage", "What each style of massage is, and who it suits."),
    (
        "safety",
        "Safety",
        "When massage is not appropriate and which conditions need a doctor first.",
    ),
    ("self-care", "Self-care", "What you can do at home between appointments."),
    ("research", "Research", "What studies say about massage and pain."),
    ("your-visit", "Your visit", "What to expect when you come to the clinic."),
]
