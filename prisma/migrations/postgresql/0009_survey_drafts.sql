-- CreateTable
CREATE TABLE "SurveyDraft" (
    "id" TEXT NOT NULL,
    "surveyId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "questions" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "SurveyDraft_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SurveyDraft_surveyId_key" ON "SurveyDraft"("surveyId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyDraft_organisationId_key" ON "SurveyDraft"("organisationId");

